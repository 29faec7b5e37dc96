# Empty compiler generated dependencies file for brain.
# This may be replaced when dependencies are built.
