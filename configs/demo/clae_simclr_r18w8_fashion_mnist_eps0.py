# The demo's baseline: clae_simclr_r18w8_fashion_mnist.py without adversarial examples (eps 0)
# and with a plain-BN encoder, for a side-by-side comparison with CLAE.
_base_ = './clae_simclr_r18w8_fashion_mnist.py'
model = dict(backbone=dict(type='ResNet_CIFAR'))
default_hooks = dict(adversarial=dict(eps=0.0))
