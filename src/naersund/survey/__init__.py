"""The status survey as data: aggregation of rounds, spreadsheet export and demo answers.

Pure functions on plain values (no Django): the web app turns its survey tables into
:class:`~naersund.survey.aggregate.RoundAnswers` and asks this package what they show.
"""
