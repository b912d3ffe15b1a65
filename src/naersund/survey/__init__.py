"""The status survey as data, pure functions on plain values (no Django):

- :mod:`~naersund.survey.questions`: a round's questions from the catalogue (stable qids) and
  the encoding of their answers; a municipality is asked its own KKR's initiatives and the
  free questions;
- :mod:`~naersund.survey.carry_over`: the previous round's answers carried into a new form;
- :mod:`~naersund.survey.importing`: reading answers from XLSX/CSV files (the files read
  within bounds by :mod:`~naersund.survey.upload_limits`, ``upload_csv`` and ``upload_xlsx``);
- :mod:`~naersund.survey.aggregate`: what a round shows (shares per status, baselines, Bilag 1,
  pilots), on :class:`~naersund.survey.aggregate.RoundAnswers`;
- :mod:`~naersund.survey.export`: CSV/XLSX downloads safe to open in a spreadsheet;
- :mod:`~naersund.survey.demo`: demo answers of all 98 municipalities.
"""
