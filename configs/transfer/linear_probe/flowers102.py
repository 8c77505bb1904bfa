# Table 2: linear probe of the ImageNet-100 CLAE encoder on Flowers-102 (trainval -> test):
# tools/benchmarks/linear_eval.py configs/transfer/linear_probe/flowers102.py CHECKPOINT
# The probe (LinearProbeAccuracy of test_evaluator): Adam 3e-4, batch 256, 1000 epochs on the
# frozen 512-d backbone feature, as the authors' SimCLR/eval_lr.py.
# Images: shorter side 256, centre crop 224, no augmentation.
_base_ = '../simclr_r18_imagenet100.py'
transfer_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
val_dataloader = dict(dataset=dict(
    _delete_=True, type='Flowers102', data_root='data/flowers102', split='test',
    pipeline=transfer_pipeline))
val_cfg = dict(bank=dict(dataset=dict(
    _delete_=True, type='Flowers102', data_root='data/flowers102', split='trainval',
    pipeline=transfer_pipeline)))
test_dataloader = val_dataloader
test_cfg = val_cfg
test_evaluator = [
    dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.5),
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
