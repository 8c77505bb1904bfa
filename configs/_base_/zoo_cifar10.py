# What the zoo's CIFAR-10 leaves share: the CLAE authors' SimCLR views, the default runtime and
# the zoo's evaluation; a leaf adds its model and schedule (configs/_base_/README.md#composites).
_base_ = ['./datasets/cifar10_simclr.py', './default_runtime.py', './evaluation/zoo_protocol.py']
