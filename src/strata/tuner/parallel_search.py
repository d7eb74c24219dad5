"""``parallel_trials=N``: the search asks the oracle for up to N trials at once and trains them together.

Each round asks for up to N trials (one ``create_trial`` per slot, before any of them is told back),
prepares them in trial order, and trains those that share an architecture in one vmapped program
(:mod:`strata.tuner.vectorized`); the round's trials are then scored and ended in trial order.

**Equal to one by one.**  Trials are built, padded and prepared in the order a sequential search
uses, so each draws the same initial weights, dropout seeds and shuffle seed from strata's seed
stream; RandomSearch and GridSearch choose the same values either way (their choices never depend
on scores), so a parallel search gives the sequential search's trials and scores, within float32
tolerance.  Each trial's model is built once as soon as the trial is asked for (the seed stream put
back afterwards), so hyperparameters it registers join the space before the next trial is asked
for, as in a sequential search; Dense stacks of the round are padded to one width.

**Batch semantics of model-based oracles.**  ``BayesianOptimization``: after its random starts, the
trials of one round are proposed from the trials completed before the round (Optuna's TPE without
the results of the round).  ``Hyperband``: like KerasTuner with N workers, a bracket's next round
waits for completed trials of its previous round, and meanwhile the oracle may open the next bracket.

**What trains one by one (the rule).**  A trial runs the sequential way, at its place in the order,
when its ``HyperModel`` overrides ``fit``, when a callback is not strata's own History,
ProgbarLogger, CSVLogger or EarlyStopping (anything else may need the live model or a hook between
batches, or change the learning rate between epochs), or when its prepared ``fit`` cannot be
vectorised (streamed data, a custom ``train_step``, convolutions on the CPU, ``steps_per_epoch``
shorter than the data, ``validation_freq`` other than 1, ``run_eagerly``, a distribution).
Values kept in layer configs (a Dropout rate, units of a layer that is not a plain Dense stack)
make different architectures: such trials train in separate groups.

Example:
    >>> from strata.tuner.parallel_search import REPLAYED_CALLBACKS
    >>> sorted(REPLAYED_CALLBACKS)
    ['CSVLogger', 'EarlyStopping', 'History', 'ProgbarLogger']
"""

from __future__ import annotations

import copy
from typing import Any

from strata.core import random
from strata.tuner import shared_programs, vectorized
from strata.tuner.hypermodel import HyperModel
from strata.tuner.trial import TrialStatus

REPLAYED_CALLBACKS = {"History", "ProgbarLogger", "CSVLogger", "EarlyStopping"}


def _replayable(callbacks: list) -> bool:
    return all(type(c).__module__.startswith("strata.callbacks") and type(c).__name__ in REPLAYED_CALLBACKS
               for c in callbacks)


def search(tuner: Any, fit_args: tuple, fit_kwargs: dict) -> None:
    """Run rounds of up to ``tuner.parallel_trials`` trials until the oracle stops."""
    while True:
        trials, widths, stopped = [], [], False
        for slot in range(tuner.parallel_trials):
            tuner_id = tuner.tuner_id if slot == 0 else f"{tuner.tuner_id}-{slot}"
            trial = tuner.oracle.create_trial(tuner_id)
            if trial.status != TrialStatus.RUNNING:
                stopped = trial.status == TrialStatus.STOPPED
                break
            trials.append(trial)
            widths += _look_ahead(tuner, trial)
        if not trials and stopped:
            return
        if widths and tuner.share_programs:
            tuner._shared_width = shared_programs.padded_width(widths, tuner._shared_width)
        outcomes = run_round(tuner, trials, fit_args, fit_kwargs)
        for trial in trials:
            tuner._finish_trial(trial, outcomes[trial.trial_id])


def _look_ahead(tuner: Any, trial: Any) -> list[int]:
    """Build the trial's model once, the seed stream put back: the hyperparameters it registers join
    the space before the next trial is asked for (as when it trains first), and its Dense widths
    (if a plain stack) set the round's padded width."""
    position = random.stream_position()
    try:
        hp = trial.hyperparameters.copy()
        model = tuner._build(hp)
        tuner.oracle.update_space(hp)
    except Exception:  # noqa: BLE001 - the trial fails later, in its own turn, and says why
        return []
    finally:
        random.restore_stream(position)
    return shared_programs.hidden_widths(model) or []


def _failing(error: Exception) -> Any:
    def fail() -> Any:
        raise error
    return fail


def _now(function: Any) -> Any:
    """``function``'s result as a callable, or one that raises what it raised (when the trial is scored)."""
    from strata.tuner.tuner import FatalError

    try:
        results = function()
    except FatalError:
        raise
    except Exception as error:  # noqa: BLE001 - raised again when the trial is scored
        return _failing(error)
    return lambda: results


def run_round(tuner: Any, trials: list, fit_args: tuple, fit_kwargs: dict) -> dict:
    """``{trial_id: callable returning the trial's fit results}`` for one round of trials."""
    from strata.tuner.tuner import FatalError

    callbacks = list(fit_kwargs.get("callbacks") or [])
    vectorizing = type(tuner.hypermodel).fit is HyperModel.fit and _replayable(callbacks)
    outcomes, groups = {}, []
    for trial in trials:
        position = random.stream_position()
        members = None
        if vectorizing:
            try:
                members = _prepare_trial(tuner, trial, fit_args, fit_kwargs)
            except FatalError:
                raise
            except Exception:  # noqa: BLE001 - the sequential run below fails the same way, and says why
                members = None
        if members is None:  # trained one by one, at its place in the order
            random.restore_stream(position)
            outcomes[trial.trial_id] = _now(lambda: tuner.run_trial(trial, *fit_args, **fit_kwargs))  # noqa: B023
            continue
        for member in members:
            group = next((g for g in groups if g[0].group_key() == member.group_key()
                          and vectorized.same_data(g[0].run, member.run)), None)
            if group is None:
                groups.append([member])
            else:
                group.append(member)
        outcomes[trial.trial_id] = members
    errors = _train_groups(tuner, groups, outcomes)
    for trial_id, value in outcomes.items():
        if isinstance(value, list):
            outcomes[trial_id] = (_failing(errors[trial_id]) if trial_id in errors
                                  else (lambda ms=value: [m.history for m in ms]))
    return outcomes


def _train_groups(tuner: Any, member_groups: list, outcomes: dict) -> dict:
    """Train the groups of members, replay each trial's callbacks in trial order, write the checkpoints;
    ``{trial_id: error}`` for trials whose group failed."""
    from strata.tuner.tuner import FatalError, _best_epoch

    errors: dict = {}

    def guarded(step: Any, members: list) -> None:
        try:
            step()
        except FatalError:
            raise
        except Exception as error:  # noqa: BLE001 - every trial of these members fails with it
            for member in members:
                errors.setdefault(member.trial.trial_id, error)

    groups: list = []
    for members in member_groups:
        guarded(lambda ms=members: groups.append(vectorized.Group(ms)), members)
    for group in groups:
        guarded(group.train, group.members)
    for value in outcomes.values():  # in trial order, so files and printed lines come out as one by one
        if isinstance(value, list) and value[0].trial.trial_id not in errors:
            for member in value:
                guarded(lambda m=member: vectorized.replay(m), [member])
    objective = tuner.oracle.objective
    for group in groups:
        alive = [m for m in group.members if m.trial.trial_id not in errors]
        if alive:
            guarded(lambda g=group: g.restore_best(lambda history: _best_epoch(history, objective)[1]), alive)
    for value in outcomes.values():
        if isinstance(value, list) and value[0].trial.trial_id not in errors:
            for member in value:  # the checkpoint: the trial's own model with its best epoch's weights
                guarded(lambda m=member: _checkpoint(m), [member])
    return errors


def _prepare_trial(tuner: Any, trial: Any, fit_args: tuple, fit_kwargs: dict) -> list | None:
    """The trial's members, built and prepared as ``run_trial`` would; ``None`` if one cannot be vectorised."""
    hp = trial.hyperparameters
    kwargs, callbacks, path = tuner._trial_setup(trial, fit_kwargs)
    members = []
    for _ in range(tuner.executions_per_trial):
        model = tuner._build_for_trial(hp)
        tuner.oracle.update_space(hp)
        twin = tuner._twin(model, callbacks)
        trainee = twin if twin is not None else model
        arguments = vectorized.fit_arguments(trainee, fit_args, kwargs)
        run = vectorized.prepare(trainee, arguments)
        if not vectorized.vectorizable(run):
            return None
        verbose = arguments.get("verbose", "auto")
        members.append(vectorized.Member(trial, model, trainee, path, copy.deepcopy(callbacks), run,
                                         arguments.get("epochs", 1), arguments.get("initial_epoch", 0),
                                         1 if verbose == "auto" else verbose))
        tuner._record_build_config(trial, model)
    return members


def _checkpoint(member: Any) -> None:
    if member.trainee is not member.model:
        member.model.set_weights(shared_programs.cut_weights(member.trainee.get_weights(), member.model))
    member.model.save_weights(member.path)
