from .cpu_allocator import keep_freed_memory_in_heap
from .data_root import apply_data_root
from .distributed import setup_cpu_distributed
from .errors import CLAEError, DatasetNotFoundError
from .remote_checkpoint import download_checkpoint  # also registers the URL schemes
from .safe_load import safe_load_checkpoint
from .setup_env import register_all_modules
from .work_dir import check_work_dir_writable

__all__ = ['apply_data_root', 'setup_cpu_distributed', 'CLAEError', 'DatasetNotFoundError',
           'register_all_modules', 'check_work_dir_writable', 'safe_load_checkpoint',
           'keep_freed_memory_in_heap', 'download_checkpoint']
