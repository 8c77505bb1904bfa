from clae_mm.engine.hooks import LinearEvalHook
from tests.model_utils import tiny_clae
from tests.fake_runner import fake_runner


def test_hook_probes_the_trained_encoder_and_logs_last_and_best(cifar10_root):
    model = tiny_clae('simclr').train()
    runner = fake_runner(model, cifar10_root, evaluation=dict(
        linear=dict(stage='backbone', epochs=1000, batch_size=8, lr=1e-2, weight_decay=0.0)))
    hook = LinearEvalHook(epochs=4, val_fraction=0.25)
    hook.after_train(runner)
    assert model.training
    assert [e['epoch'] for e in hook.result['history']] == [1, 2, 3, 4]
    assert hook.result['num_val'] == 10 and hook.result['feature_dim'] == 64  # backbone stage
    (record,) = runner.visualizer.records
    assert record['linear/top1'] == hook.result['last_epoch']['test']['top1']
    assert record['linear/best_top1'] == max(e['test']['top1'] for e in hook.result['history'])
    assert 'linear/val_selected_top1' in record
