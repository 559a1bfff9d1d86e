"""Photos of reports: processing with Pillow, storage backends and the add-photo service."""
