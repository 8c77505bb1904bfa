# tinyimagenet_plain.py with the authors' SimCLR views (SimCLR/main.py: TransformsSimCLR_imagenet,
# 224x224) (configs/_base_/README.md#datasets).
_base_ = './tinyimagenet_plain.py'
train_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='simclr', size=224)]]),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
