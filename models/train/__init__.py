"""KeyBot model training: refiner, detector and corrector for AASCE spine keypoints.

Run everything with ``/usr/bin/python3 -m models.train.run --config default`` from the repo root.
"""
