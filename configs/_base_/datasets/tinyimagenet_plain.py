# tinyImageNet for Plain/UEL pre-training as the authors' {Plain,UEL}/main_imagenet.py: two
# views per image, RandomResizedCrop to 224x224 (scale 0.2-1) of the 64x64 images with the plain
# augmentation, normalised on the model side with the ImageNet mean/std, batch 128. The loaders
# and the evaluation loops are frozen_feature_evaluation.py's, the scored split is 'val'.
_base_ = './frozen_feature_evaluation.py'
dataset_type = 'TinyImageNet'
data_root = 'data/tiny-imagenet-200'
data_preprocessor = dict(type='SelfSupDataPreprocessor', to_rgb=False,
    mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])  # (0.485, 0.456, 0.406) / (0.229, 0.224, 0.225) x 255
train_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='MultiView', num_views=2,
         transforms=[[dict(type='ContrastiveAugment', method='plain', size=224)]]),
    dict(type='PackInputs'),
]
# The authors' eval_imagenet.py: Resize(224) (PIL bilinear), no augmentation.
test_pipeline = [
    dict(type='LoadRGBImageFromFile'),
    dict(type='Resize', scale=(224, 224), backend='pillow', interpolation='bilinear'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=128,
    num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
# Evaluation on clean images (no augmentation): the val split (10,000 labelled images; the
# paper's test set) is scored (val_dataloader, test_dataloader) against the training split, the
# kNN bank and the probe's training set (the bank of the loops).
val_dataloader = dict(
    num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, split='val', pipeline=test_pipeline))
val_cfg = dict(bank=dict(  # the same clean images, from the training split
    num_workers=4,
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=test_pipeline)))
test_dataloader = val_dataloader
test_cfg = val_cfg
# kNN (the authors' Plain/UEL main.py): the 128-d normalised embedding, k 200, sigma the 0.1
# training temperature.
knn_metric = dict(type='KNNAccuracy', stage='embedding', k=200, sigma=0.1)
val_evaluator = knn_metric
# + the linear probe (the authors' eval_imagenet.py on tinyImageNet) on the embedding: Adam 3e-4,
# batch 128, 200 epochs on the cached features.
test_evaluator = [
    knn_metric,
    dict(type='LinearProbeAccuracy', stage='embedding', epochs=200, batch_size=128, lr=3e-4,
         weight_decay=0.0),
]
