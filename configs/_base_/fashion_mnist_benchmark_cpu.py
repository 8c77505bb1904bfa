# What every Fashion-MNIST benchmark leaf shares (configs/_base_/README.md#composites); a leaf
# lists its evaluation protocol beside it and turns the validation off after it.
_base_ = ['./datasets/fashion_mnist_cpu.py', './default_runtime.py']
default_hooks = dict(logger=dict(interval=50), checkpoint=dict(interval=1, max_keep_ckpts=1))
randomness = dict(seed=0)
