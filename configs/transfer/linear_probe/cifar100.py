# Table 2: linear probe of the ImageNet-100 CLAE encoder on CIFAR-100 (train -> test):
# tools/benchmarks/linear_eval.py configs/transfer/linear_probe/cifar100.py CHECKPOINT
# The 32x32 images are resized to the encoder's 224x224 (no file to load, no crop).
_base_ = '../../_base_/transfer_linear_probe.py'
probe_set = dict(type='CIFAR100', data_root='data/cifar100')
transfer_pipeline = [
    dict(type='Resize', scale=(224, 224), backend='pillow', interpolation='bilinear'),
    dict(type='PackInputs'),
]
test_dataloader = dict(dataset=dict(probe_set, split='test', pipeline=transfer_pipeline))
test_cfg = dict(bank=dict(dataset=dict(probe_set, split='train', pipeline=transfer_pipeline)))
val_dataloader, val_cfg = test_dataloader, test_cfg
