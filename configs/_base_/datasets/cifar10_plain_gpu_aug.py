# cifar10_plain.py with the two views drawn on the device in batch from one uint8 image per sample
# (configs/_base_/README.md#datasets).
_base_ = './cifar10_plain.py'
data_preprocessor = dict(type='ContrastiveAugmentDataPreprocessor', method='plain', size=32,
                         num_views=2, channels_last=True, non_blocking=True)
train_pipeline = [dict(type='PackInputs')]
train_dataloader = dict(num_workers=2, pin_memory=True, dataset=dict(pipeline=train_pipeline))
