file(REMOVE_RECURSE
  "libbrain.a"
)
