"""Mistakes the typed models must catch before run time (each line below is a mypy error)."""

from sedata.elements import Equipment

eq = Equipment.model_construct()
eq.equipment_kind = "9999"  # not a 种类 code of the 2014 catalogue
eq.use_status = 2  # codes are strings
n: int = eq.equipment_code  # a code is not a number
Equipment(equipment_cod="x")  # no such field
