"""The reference small CNN of the `cnn_model` question: build it, train it, predict with it.

Three 3x3 conv blocks with batch norm, one 2x2 max pool, global average pooling and one dense
layer: about 24,000 parameters for one input channel, far under the 100,000 budget, and the same
network serves 8x8 digits, 28x28 MNIST and 32x32 CIFAR-10 because global pooling removes the
dependence on the image size.
"""
import numpy as np
import torch
from torch import nn

INIT_SEED = 0


def build_model(input_shape, num_classes):
    """A CNN mapping float32 (N, C, H, W) images to (N, num_classes) logits.

    input_shape: (C, H, W) with H, W >= 2. Weights are initialised from a fixed seed without
    touching torch's global random state.
    """
    channels = input_shape[0]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(INIT_SEED)
        return nn.Sequential(
            nn.Conv2d(channels, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(64, num_classes),
        )


def train_model(model, x_train, y_train, device, epochs=15, batch_size=64, seed=0):
    """Train with AdamW and a one-cycle schedule; returns the model, on `device`, in train mode.

    x_train: float32 (N, C, H, W) in [0, 1], y_train: int64 (N,); numpy arrays or tensors.
    Batches are shuffled by a generator of their own, so a run is deterministic on the CPU.
    """
    device = torch.device(device)
    images = torch.as_tensor(np.asarray(x_train, dtype=np.float32)).to(device)
    labels = torch.as_tensor(np.asarray(y_train, dtype=np.int64)).to(device)
    model = model.to(device).train()
    steps_per_epoch = -(-len(images) // batch_size)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, epochs=epochs,
                                                   steps_per_epoch=steps_per_epoch)
    shuffle = torch.Generator().manual_seed(seed)
    loss_fn = nn.CrossEntropyLoss()
    for _ in range(epochs):
        order = torch.randperm(len(images), generator=shuffle).to(device)
        for start in range(0, len(images), batch_size):
            batch = order[start:start + batch_size]
            optimizer.zero_grad()
            loss_fn(model(images[batch]), labels[batch]).backward()
            optimizer.step()
            schedule.step()
    return model


@torch.no_grad()
def predict(model, x, device, batch_size=512):
    """Predicted labels of images x: float32 (N, C, H, W) -> int64 (N,), with the model in eval mode."""
    model = model.to(device).eval()
    images = torch.as_tensor(np.asarray(x, dtype=np.float32))
    batches = [model(images[start:start + batch_size].to(device)).argmax(dim=1).cpu()
               for start in range(0, len(images), batch_size)]
    return torch.cat(batches).numpy()
