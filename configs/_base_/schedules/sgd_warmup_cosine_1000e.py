# solo-learn's CIFAR schedule: SGD (momentum 0.9), 10 warm-up epochs, then a cosine decay to 0 at
# epoch 1000; the rate and weight decay are the leaf's (configs/_base_/README.md#schedules).
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
auto_scale_lr = dict(base_batch_size=256)  # solo-learn's CIFAR batch
