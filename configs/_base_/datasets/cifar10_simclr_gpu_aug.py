# CIFAR10 for simclr pre-training with the augmentation made on the GPU: the loader yields one
# uint8 image per sample and ContrastiveAugmentDataPreprocessor draws the two views in batch on the
# device (the authors' simclr preset, per-sample random parameters; float arithmetic instead of PIL's
# uint8 steps, see docs/benchmarks.md), normalised (mean/std 0.5, the authors' SimCLR) and in channels_last.
# Everything else (dataset, batch size, the val_* / test_* evaluation) is cifar10_simclr.py's.
_base_ = './cifar10_simclr.py'
# The normalisation (mean, std, to_rgb) is the base's. The pinned batch goes to the device
# with non_blocking=True: a blocking copy would make the host wait at the start of every step.
data_preprocessor = dict(type='ContrastiveAugmentDataPreprocessor', method='simclr', size=32,
                         num_views=2, channels_last=True, non_blocking=True)
train_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    num_workers=2,  # the workers only index the in-memory arrays
    pin_memory=True,
    dataset=dict(pipeline=train_pipeline))
