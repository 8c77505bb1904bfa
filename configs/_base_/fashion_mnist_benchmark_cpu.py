# What every Fashion-MNIST benchmark leaf (configs/fashion_mnist/) shares: the CPU-sized dataset
# (configs/_base_/datasets/fashion_mnist_cpu.py: 16x16 views made in batch), the runtime, a log
# line every 50 iterations, a checkpoint per epoch (the last one kept), seed 0, and no evaluation
# during training: each run is scored once after it (tools/benchmarks/knn_eval.py,
# linear_eval.py: the test_* keys; a leaf states its method's test_evaluator).
_base_ = ['./datasets/fashion_mnist_cpu.py', './default_runtime.py']
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=1, max_keep_ckpts=1))
val_dataloader = None
val_cfg = None
val_evaluator = None
randomness = dict(seed=0)
