# tinyImageNet for SimCLR pre-training as the authors' SimCLR/main.py: two views per image with
# TransformsSimCLR_imagenet (RandomResizedCrop to 224x224 of the 64x64 images, scale 0.08-1, and
# the simclr augmentation), normalised on the model side with the ImageNet mean/std, batch 128
# (SimCLR/run_tinyImagenet.sh).
# The normalisation, batch, workers and the evaluation (the val split scored against the training
# split) are tinyimagenet_plain.py's; its evaluation view is also the authors' eval_lr.py:
# Resize((224, 224)) (PIL bilinear), no augmentation.
_base_ = './tinyimagenet_plain.py'
train_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='simclr', size=224)]]),
    dict(type='PackInputs'),
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
# kNN (the authors' SimCLR/eval_knn.py): the normalised projection output, k 200, sigma the
# 0.5 training temperature.
knn_metric = dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.5)
val_evaluator = knn_metric
# + the linear probe (the authors' SimCLR/eval_lr.py) on the 512-d backbone output: Adam 3e-4,
# batch 256, 200 epochs on the cached features (the authors' eval_lr.py on tinyImageNet).
test_evaluator = [
    knn_metric,
    dict(type='LinearProbeAccuracy', stage='backbone', epochs=200, batch_size=256, lr=3e-4,
         weight_decay=0.0),
]
