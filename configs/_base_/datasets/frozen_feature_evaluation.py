# The loaders and the evaluation loops every dataset base in this folder shares. A dataset base
# inherits this file and states only what is its own:
#   dataset_type, data_root, data_preprocessor (the normalisation), train_pipeline, test_pipeline;
#   train_dataloader = dict(batch_size, num_workers, dataset=dict(type, data_root, pipeline));
#   val_dataloader = dict(num_workers, dataset=dict(type, data_root, pipeline)), with the split
#     where the scored one is not 'test';
#   val_cfg = dict(bank=...): the same loader on the training split; val_cfg =
#     dict(bank=val_dataloader) where val_dataloader states no split, else the bank's
#     num_workers and dataset stated apart;
#   test_dataloader = val_dataloader and test_cfg = val_cfg (their partial dicts merge into the
#     ones below, so the test loop keeps its type);
#   the evaluation protocol: knn_metric, val_evaluator = knn_metric and
#     test_evaluator = [knn_metric, the linear probe].
# mmengine merges a child's dicts into these key by key and replaces lists (the pipelines) whole.
train_dataloader = dict(
    persistent_workers=True,
    drop_last=True,  # as the authors: every batch has B images
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(split='train'))

# Evaluation on clean images (no augmentation): the test split is scored (val_dataloader,
# test_dataloader) against the training split, the kNN bank and the probe's training set (the
# bank of the loops). runner.val() scores the kNN every train_cfg.val_interval epochs; runner.test()
# and tools/test.py add the linear probe.
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
