# The CPU scale-down the zoo's Fashion-MNIST leaves share: width 8, 16x16, batch 256, 2 epochs
# with the warm-up + cosine compressed into them (configs/_base_/README.md#composites).
_base_ = ['./fashion_mnist_benchmark_cpu.py', './evaluation/zoo_protocol.py']
val_dataloader = val_cfg = val_evaluator = None  # scored once after training
width = 8
epochs = 2
iters = epochs * (60000 // 256)
warmup = round(iters * 10 / 1000)
compressed_param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=warmup),
    dict(type='CosineAnnealingLR', T_max=iters - warmup, eta_min=0.0, by_epoch=False,
         begin=warmup, end=iters),
]
data_preprocessor = dict(method='simclr')
train_dataloader = dict(batch_size=256)
