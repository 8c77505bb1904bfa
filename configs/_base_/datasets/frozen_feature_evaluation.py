# The loaders and frozen-feature evaluation loops every dataset base here inherits; a dataset base
# states only its own (configs/_base_/README.md#datasets).
train_dataloader = dict(
    persistent_workers=True,
    drop_last=True,  # as the authors: every batch has B images
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(split='train'))

# The scored split (the queries) and the bank (the kNN bank, the probe's training set): clean.
val_dataloader = dict(
    batch_size=256,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(split='test'))
val_cfg = dict(
    type='FrozenFeatureValLoop',
    bank=dict(batch_size=256, dataset=dict(split='train')))
test_dataloader = val_dataloader
test_cfg = dict(val_cfg, type='FrozenFeatureTestLoop')
