"""Reading ticket codes from keyboard-wedge scanners and cameras."""
