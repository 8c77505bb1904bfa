# Table 2: linear probe of the ImageNet-100 CLAE encoder on CIFAR-100 (train -> test):
# tools/benchmarks/linear_eval.py configs/transfer/linear_probe/cifar100.py CHECKPOINT
# The probe (LinearProbeAccuracy of test_evaluator): Adam 3e-4, batch 256, 1000 epochs on the
# frozen 512-d backbone feature, as the authors' SimCLR/eval_lr.py.
# 32x32 images are resized to the encoder's 224x224.
_base_ = '../simclr_r18_imagenet100.py'
transfer_pipeline = [
    dict(type='Resize', scale=(224, 224), backend='pillow', interpolation='bilinear'),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(
    _delete_=True, type='CIFAR100', data_root='data/cifar100', split='test',
    pipeline=transfer_pipeline))
val_cfg = dict(bank=dict(dataset=dict(
    _delete_=True, type='CIFAR100', data_root='data/cifar100', split='train',
    pipeline=transfer_pipeline)))
test_dataloader = val_dataloader
test_cfg = val_cfg
test_evaluator = [
    dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.5),
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
