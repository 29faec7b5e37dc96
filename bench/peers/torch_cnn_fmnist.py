"""(c) The lecture's CNN on Fashion-MNIST:
Conv2D(32,3x3,relu) -> MaxPool(2) -> Conv2D(64,3x3,relu) -> MaxPool(2) -> Flatten
-> Dropout(0.5) -> Dense(64, relu) -> Dense(10, softmax); Adam 1e-3, categorical CE.
PyTorch NCHW layout (same math as Keras channels-last). Default 2 epochs, batch 32.
Usage: /usr/bin/python3 bench/peers/torch_cnn_fmnist.py [--batch 32] [--epochs 2]

Copied from /work/shared/peers/torch_cnn_fmnist.py (the shared, tuned PyTorch peer) so that bench/
does not depend on ../shared.  One change: the RESULT line also carries max_rss_mb (getrusage
ru_maxrss of this process), the peer's peak memory, for bench/run_cnn.sh.
Run it as: env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/torch_cnn_fmnist.py"""
import resource
import torch
import torch.nn as nn
import common as C

args = C.base_args(2).parse_args()
C.setup(args)
xtr, ytr, xte, yte = C.load_fashion_mnist()
xtr, xte = xtr.unsqueeze(1).contiguous(), xte.unsqueeze(1).contiguous()
xtr, ytr = C.limit(args, xtr, ytr)
model = C.keras_init(nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Dropout(0.5), nn.Linear(64 * 5 * 5, 64), nn.ReLU(), nn.Linear(64, 10)))
times = C.fit(model, nn.CrossEntropyLoss(), xtr, ytr, args.epochs, args.batch)
acc = C.accuracy(model, xte, yte)
lat, thr = C.inference_figures(model, xte, args.latency_iters)
C.report("c_cnn_fmnist", args, xtr.shape[0], times, acc, lat, thr,
         {"mkldnn_available": torch.backends.mkldnn.is_available(),
          "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)})
