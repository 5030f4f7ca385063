"""imr-rules: guideline rules that draft cited medical-necessity decisions."""

__version__ = "0.1.0"
