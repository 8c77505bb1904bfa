# solo-learn's CIFAR schedule (scripts/pretrain/cifar/*.yaml, scheduler 'warmup_cosine'): SGD with
# momentum 0.9, a linear warm-up over the first 10 epochs, then a cosine decay to 0 at epoch 1000.
# The rate and weight decay are each method's (set by the leaf config).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.3, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=10,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=990, eta_min=0.0, by_epoch=True, begin=10, end=1000,
         convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1000)
# The batch the rate is set for (solo-learn's CIFAR recipes: 256): tools/train.py --auto-scale-lr
# scales it linearly to the batch actually run.
auto_scale_lr = dict(base_batch_size=256)
