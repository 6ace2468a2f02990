"""Imported at start-up by every Python process whose path holds this folder (the scene
processes of a build under :func:`tests.support.network.offline`): any network access fails."""

from tests.support.network import block_network

block_network()
