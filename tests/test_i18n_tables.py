"""Tables whose headings change with the language (kontaktfilter.i18n.tables): a longer German
heading widens its column instead of running into its neighbour, and the English tables keep
the widths the reports have always had."""

from __future__ import annotations

from kontaktfilter.i18n.tables import aligned


def test_a_column_keeps_its_width_when_everything_fits():
    lines = aligned([["label", "recall"], ["pitch", "0.500"]], (12, 8), left=1)
    assert lines == ["label         recall", "pitch          0.500"]


def test_a_longer_heading_widens_its_column_and_keeps_a_gap():
    lines = aligned([["Label", "Trefferquote", "F1"], ["pitch", "0,500", "0,1"]], (6, 8, 4), 1)
    assert lines == ["Label  Trefferquote  F1", "pitch         0,500 0,1"]
    assert all(len(line) == len(lines[0]) for line in lines)


def test_a_long_first_cell_pushes_the_figures_right():
    lines = aligned([["", "a"], ["honest_pitch", "1"]], (4, 3), left=1)
    assert lines == ["              a", "honest_pitch  1"]
