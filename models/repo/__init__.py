"""Every query of the system. Functions add and flush; whoever opened the session commits."""
