# Table 2: the ImageNet-100 CLAE encoder (configs/transfer/simclr_r18_imagenet100.py) scored on
# a transfer set, as the authors' SimCLR/eval_lr.py: the linear probe (LinearProbeAccuracy:
# Adam 3e-4, batch 256, 1000 epochs on the frozen 512-d backbone feature; the kNN too), the
# training split as the bank, the test split scored. Images: shorter side 256, centre crop 224,
# no augmentation. A leaf in configs/transfer/linear_probe/ names the set and its splits:
#   probe_set = dict(type='DTD', data_root='data/dtd')
#   test_dataloader = dict(dataset=dict(probe_set, split='test'))
#   test_cfg = dict(bank=dict(dataset=dict(probe_set, split='trainval')))
#   val_dataloader, val_cfg = test_dataloader, test_cfg
_base_ = '../transfer/simclr_r18_imagenet100.py'
transfer_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short', backend='pillow', interpolation='bilinear'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
# _delete_: the ImageNet-100 sets of the encoder's config go; the leaf adds its set's type,
# data_root and split to this pipeline.
test_dataloader = dict(dataset=dict(_delete_=True, pipeline=transfer_pipeline))
test_cfg = dict(bank=dict(dataset=dict(_delete_=True, pipeline=transfer_pipeline)))
val_dataloader, val_cfg = test_dataloader, test_cfg
test_evaluator = [
    dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.5),
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=1000, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
