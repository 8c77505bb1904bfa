# cifar10_plain.py with the authors' SimCLR views (simclr augmentation, mean/std 0.5) and batch 256
# (configs/_base_/README.md#datasets).
_base_ = './cifar10_plain.py'
data_preprocessor = dict(mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5])  # 0.5 / 0.5 x 255
train_pipeline = [
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='simclr', size=32)]]),
    dict(type='PackInputs'),
]
train_dataloader = dict(batch_size=256, dataset=dict(pipeline=train_pipeline))
