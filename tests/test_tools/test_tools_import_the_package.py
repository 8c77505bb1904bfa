"""Tools import the installed clae_mm (scripts/setup_env.sh installs it
editable): none edits sys.path to find it."""
import glob
import os.path as osp

from tests.conftest import REPO


def test_no_tool_edits_sys_path():
    tools = glob.glob(osp.join(REPO, 'tools', '**', '*.py'), recursive=True)
    assert len(tools) > 15
    for path in tools:
        with open(path) as f:
            assert 'sys.path.insert' not in f.read(), osp.relpath(path, REPO)


def test_the_package_is_installed_not_found_on_the_path():
    import importlib.metadata
    assert importlib.metadata.distribution('clae_mm').version == '0.1.0'
