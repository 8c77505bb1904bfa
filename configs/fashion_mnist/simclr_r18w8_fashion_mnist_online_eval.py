# simclr_r18w8_fashion_mnist.py with the evaluation hooks on: one tools/train.py run trains and
# scores; not in the benchmark table (configs/fashion_mnist/README.md).
_base_ = './simclr_r18w8_fashion_mnist.py'
custom_hooks = [
    dict(type='OnlineLinearProbeHook', stage='backbone', lr=1e-3, eval_interval=1),
    dict(type='LinearEvalHook'),
]
