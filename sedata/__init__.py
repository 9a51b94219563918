"""sedata: China's special-equipment (特种设备) data standards, executable.

The spec (``spec/``) is the single source of truth; ``sedata.elements`` holds the models generated
from it, ``sedata.spec.current()`` the compiled spec itself.
"""

__version__ = "0.1.0"
