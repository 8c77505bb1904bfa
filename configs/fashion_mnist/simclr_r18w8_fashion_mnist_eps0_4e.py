# The FLOP-matched baseline of simclr_r18w8_fashion_mnist.py: its eps-0 twin for 4 epochs,
# 1.09x CLAE's counted FLOPs (configs/fashion_mnist/README.md).
_base_ = './simclr_r18w8_fashion_mnist_eps0.py'
train_cfg = dict(max_epochs=4)
