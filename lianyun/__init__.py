"""lianyun (廉韵): a county integrity-supervision platform."""
