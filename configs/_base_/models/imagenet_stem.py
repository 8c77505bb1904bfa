# The ImageNet-style ResNet (7x7 stride-2 stem, max-pool) with dual BNs and the authors' init of
# it, for the tinyImageNet leaves (configs/_base_/README.md#models). A leaf lists it after its
# method's model base and writes model = dict(backbone=_base_.imagenet_stem_backbone).
imagenet_stem_backbone = dict(
    type='DualBNResNet',
    init_cfg=[dict(type='Kaiming', layer='Conv2d', mode='fan_out', nonlinearity='relu',
                   distribution='normal'),
              dict(type='Constant', layer='_BatchNorm', val=1, bias=0)])
