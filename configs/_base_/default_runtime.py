# The runtime every config inherits: hooks, environment, logging; what each hook is for:
# configs/_base_/README.md#the-runtime.
default_scope = 'clae_mm'

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=10),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # Written aside and renamed into place: a crash never leaves a partial
    # checkpoint, last_checkpoint only names complete ones (docs/reliability.md).
    checkpoint=dict(type='AtomicCheckpointHook', interval=10, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # Several processes: one set of BN statistics, so the validation scores the saved model.
    sync_bn_statistics=dict(type='SyncBNStatisticsHook'),
    # Checkpoints hold plain data only, so they load with weights_only=True.
    plain_checkpoint_state=dict(type='PlainCheckpointStateHook'),
    # A resumed run continues the random streams (augmentations, attack starts).
    random_state=dict(type='RandomStateHook'),
    # A checkpoint of another architecture is refused with the mismatching keys.
    checkpoint_compatibility=dict(type='CheckpointCompatibilityHook'),
    # Stop at the first NaN/Inf loss (action='skip' skips the update instead).
    nonfinite_loss=dict(type='NonFiniteLossHook', action='stop'),
    # CLAE's attack (eq. 15) and its weight (eq. 16); eps=0 is the baseline.
    adversarial=dict(type='ContrastiveAdversarialHook', eps=0.03, alpha=1.0, attack='fgsm'),
    # The kNN accuracy (k=200) of the clean encoder is the validation (val_cfg,
    # val_evaluator, train_cfg.val_interval); this hook keeps its history for
    # the authors' best-epoch selection (eval_at_start=True: also at init).
    knn=dict(type='KNNEvalHook'),
)

# Several processes: mmengine's DDP running the model's own train_step (NonFiniteLossHook's check).
model_wrapper_cfg = dict(type='clae_mm.models.wrappers.TrainStepDistributedDataParallel',
                         broadcast_buffers=False, find_unused_parameters=False)

env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl', timeout=1800),
    # Training on a CPU: freed activations stay in glibc's heap instead of being
    # returned to the kernel and page-faulted in again every step (about 15%
    # of a CLAE step on 2 cores; docs/benchmarks.md). Off: keep glibc's defaults.
    cpu_malloc_tuning=True,
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='UniversalVisualizer', vis_backends=vis_backends)

log_processor = dict(window_size=10)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=None, deterministic=False)
