# sgd_warmup_cosine_1000e.py with LARS (eta 0.02; biases and norms excluded from the trust ratio
# and the weight decay), solo-learn's for BYOL and Barlow Twins
# (configs/_base_/README.md#schedules).
_base_ = './sgd_warmup_cosine_1000e.py'
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='LARS', lr=1.0, momentum=0.9, weight_decay=1e-5, eta=0.02),
    paramwise_cfg=dict(
        custom_keys={
            'bn': dict(decay_mult=0, lars_exclude=True),
            'bias': dict(decay_mult=0, lars_exclude=True),
            'downsample.1': dict(decay_mult=0, lars_exclude=True),  # a downsample branch's BN
        }))
