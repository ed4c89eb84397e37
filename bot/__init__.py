"""newsbot's chat side: the transport-free core, Telegram and console front ends, digests."""
