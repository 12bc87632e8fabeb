"""Reference implementations written out independently of wellbeing_lib, for tests to compare with."""


def mod11_ok(number: str) -> bool:
    """NHS number Modulus 11 check: weights 10..2, check = 11 − (sum mod 11), 11 → 0, 10 invalid."""
    digits = [int(c) for c in number]
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1))) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]
