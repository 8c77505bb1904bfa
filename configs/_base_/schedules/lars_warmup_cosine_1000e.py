# solo-learn's CIFAR schedule for BYOL and Barlow Twins (scripts/pretrain/cifar/{byol,barlow}.yaml):
# LARS (eta 0.02, momentum 0.9) with biases and norm layers excluded from the trust ratio and from
# weight decay ('exclude_bias_n_norm'), as mmpretrain's BYOL/Barlow Twins configs write it
# (lars_exclude, decay_mult 0; the names match both branches of a dual BN: '...bn1.clean.weight'),
# a linear warm-up over the first 10 epochs, then a cosine decay to 0 at epoch 1000. The rate and
# weight decay are each method's (set by the leaf config). Not reproduced: solo-learn's clip_lr
# (mmpretrain's LARS has no clipping).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='LARS', lr=1.0, momentum=0.9, weight_decay=1e-5, eta=0.02),
    paramwise_cfg=dict(
        custom_keys={
            'bn': dict(decay_mult=0, lars_exclude=True),
            'bias': dict(decay_mult=0, lars_exclude=True),
            # the BN of a ResNet block's downsample branch
            'downsample.1': dict(decay_mult=0, lars_exclude=True),
        }))
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
