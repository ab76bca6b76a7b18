# Every routine task. `make help` lists them. Only two are needed on a fresh machine:
# `make run` and `make test`; both set everything up first.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SPACY_MODEL := build/spacy-en-lemmas/meta.json
MODEL := models/stay-safe.tar.gz
# The tests also need Debian's Chromium (browser tests), PostgreSQL (the review app's second
# tracker store; the replicas' shared one), Redis and HAProxy (the replica test, `make replicas`).
# CI runs as root; elsewhere apt-get goes through sudo. The stamp is checked again when this file
# changes (a package added here is then installed; the check itself takes no time).
TEST_PACKAGES := $(VENV)/.test-packages
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# data/app_steps.yml is read by the action server, not trained on: editing it needs no new model.
TRAINING_FILES := config.yml domain.yml $(shell find data -name '*.yml' -not -name app_steps.yml 2>/dev/null)

# Values endpoints.yml reads; launcher/ sets the same ones for the servers it starts.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export TRACKER_DB ?= $(CURDIR)/transcripts/tracker.db
# A SQLAlchemy URL; set it to use PostgreSQL (README "Counsellor review"). Default: the SQLite file above.
export TRACKER_STORE_URL ?= sqlite:///$(TRACKER_DB)
export ACTION_SERVER_URL ?= http://127.0.0.1:5055/webhook

# $(call stage,What it does,command,log file): one line saying what runs and how long it took; the
# command's output goes to logs/<log file>, whose end is shown if it fails.
define stage
	@mkdir -p logs; started=$$(date +%s); printf '%s ... ' "$(1)"; \
	if $(2) > logs/$(3) 2>&1; then echo "done in $$(( $$(date +%s) - started )) s"; \
	else echo "failed. The end of logs/$(3):"; tail -n 25 logs/$(3); exit 1; fi
endef
# $(call timed,What it does,command): a stage whose command prints its own few lines of progress.
define timed
	@mkdir -p logs; started=$$(date +%s); echo "$(1) ..."; $(2) && \
	echo "  done in $$(( $$(date +%s) - started )) s"
endef

.DEFAULT_GOAL := help
.PHONY: help doctor run-checks test-checks setup run shell train test validate check-data pytest story-test eval eval-apps compare measure-phrases suggestions try-phrases lint format lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

doctor: ## Check what this machine lacks for make run and make test (Python 3.11, disk, free ports, packages)
	@$(PYTHON) scripts/doctor.py

# Rasa 3.6 declares Python <3.11; the lock holds the set measured to work on 3.11.
$(INSTALLED): requirements/lock.txt
	$(call stage,Creating the Python environment in .venv (2 to 5 minutes),\
		{ test -d $(VENV) || $(PYTHON) -m venv $(VENV); } && \
		$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python \
			--prefer-binary --require-hashes -r requirements/lock.txt,setup.log)
	@touch $@

$(SPACY_MODEL): $(INSTALLED) scripts/build_spacy_model.py
	$(call stage,Building the spaCy pipeline,$(BIN)/python scripts/build_spacy_model.py,spacy.log)

setup: $(INSTALLED) $(SPACY_MODEL) ## Create .venv from the pinned lock and build the spaCy pipeline

$(TEST_PACKAGES): $(INSTALLED) Makefile
	$(call stage,Installing chromium postgresql redis-server haproxy if missing (apt-get),\
		command -v chromium >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && \
		command -v redis-server >/dev/null && command -v haproxy >/dev/null || { \
			$(SUDO) apt-get update -qq && \
			$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				chromium postgresql redis-server haproxy; },test-packages.log)
	@touch $@

$(MODEL): $(INSTALLED) $(SPACY_MODEL) $(TRAINING_FILES)
	$(call timed,Training the model (about 5 minutes on 2 cores; full log: logs/train.log),\
		$(BIN)/python -m scripts.train --fixed-model-name stay-safe --out models)

train: $(MODEL) ## Train the model (does nothing when the data has not changed)

# A signal to the process group (Ctrl-C, systemd, docker) reaches make and the launcher, and make
# passes SIGTERM on, so the launcher gets it twice: it acts on the first and ignores the rest until
# every service has stopped (tests/launcher/test_stopping.py). `exec` leaves no shell in between.
# `make run` checks the machine first (quick), so a taken port or a missing Python shows before setup.
run-checks:
	@$(PYTHON) scripts/doctor.py run --quiet

run: run-checks setup train ## Start every service, restart any that stops, print where to talk to the assistant
	@exec $(BIN)/python -m launcher

shell: setup train ## Talk to the assistant in this terminal
	exec $(BIN)/python -m launcher shell

validate: setup ## Check the training data and domain agree
	$(call stage,Validating the training data and domain,\
		$(BIN)/python -m scripts.rasa_cli data validate --fail-on-warnings,validate.log)

pytest: setup train $(TEST_PACKAGES) ## Run the pytest suite (unit and end-to-end tests)
	$(call timed,Running pytest (about 5 minutes; log: logs/pytest.log),\
		set -o pipefail; $(BIN)/pytest -q -p no:cacheprovider 2>&1 | tee logs/pytest.log)

story-test: setup train ## Run the conversation tests in tests/test_stories.yml (their text goes through the NLU)
	$(call stage,Running the story tests (tests/test_stories.yml),\
		$(BIN)/python -m scripts.rasa_cli test core --stories tests/test_stories.yml --model $(MODEL) --e2e \
			--fail-on-prediction-errors --out results/stories,story-test.log)

check-data: setup ## Check the training data, responses (reading level) and links; names file and item
	$(call stage,Checking the training data: responses and links,$(BIN)/python -m scripts.check_data,check-data.log)

test-checks:
	@$(PYTHON) scripts/doctor.py test --quiet

test: test-checks validate check-data pytest story-test ## Set up, then run every check and test
	@echo "All checks and tests passed. Full logs: logs/validate.log, logs/check-data.log, logs/pytest.log, logs/story-test.log"

eval: setup train ## Held-out accuracy, fallback table, safeguarding recall, intent cross-validation (slow)
	$(BIN)/rasa test nlu --nlu tests/nlu_heldout/heldout.yml --model $(MODEL) --out results/heldout
	$(BIN)/python -m scripts.report_heldout results/heldout/intent_report.json
	$(BIN)/python -m scripts.measure_fallback $(MODEL)
	$(BIN)/python -m scripts.evaluate_safeguarding $(MODEL)
	# Trains 5 classifiers on 4/5 of data/nlu each (5 to 7 minutes each on 2 cores): CONTRIBUTING.md.
	$(BIN)/rasa test nlu --nlu data/nlu --config config.yml --cross-validation --folds 5 \
		--out results/cross-validation
	$(BIN)/python -m scripts.report_cross_validation results/cross-validation 5

eval-apps: setup train ## The held-out app conversations over three seeds (trains two more models, about 12 minutes)
	$(BIN)/python -m scripts.measure_app_seeds

compare: setup ## Train the pipeline and the two-DIET one it replaced over three seeds each, compare on the blind sets (slow)
	$(BIN)/python -m scripts.compare_classifiers

measure-phrases: setup train ## What each phrase rule adds beside the classifier on blind sets 1-14
	$(BIN)/python -m scripts.measure_phrase_rules $(MODEL)

suggestions: setup ## Export messages counsellors marked misunderstood as candidate NLU examples (not trained on)
	$(BIN)/python -m scripts.export_suggestions

try-phrases: setup ## Try the safeguarding phrase rules on data/nlu and the development set; MISSES=<level> lists what they miss
	$(BIN)/python -m scripts.try_phrase_rules $(if $(MISSES),--misses $(MISSES))

.PHONY: counsellor purge benchmark benchmark-bot bench screenshots replicas
counsellor: setup ## Create a counsellor's sign-in for the review app: make counsellor NAME=alex
	@test -n "$(NAME)" || { echo "usage: make counsellor NAME=<sign-in name>"; exit 2; }
	$(BIN)/python -m review add-counsellor "$(NAME)"

purge: setup ## Delete conversations older than RETENTION_DAYS (default 90), except those marked keep
	$(BIN)/python -m review purge

benchmark: setup ## Time the review app's list page over 5,000 synthetic conversations
	$(BIN)/python -m scripts.benchmark_review

benchmark-bot: setup train ## Time the assistant reading a message (median, p95) and its peak memory
	$(BIN)/python -m scripts.benchmark_bot

screenshots: setup train $(TEST_PACKAGES) ## Take the README's pictures again (browser tests) and copy them to docs/images/
	$(BIN)/pytest -q tests/e2e/test_widget.py::test_on_a_phone_it_fits_the_screen_and_quick_exit_stays_in_view \
		tests/review/test_browser.py::test_a_counsellor_signs_in_and_reviews_the_most_worrying_conversation
	cp results/screenshots/widget-phone.png results/screenshots/review-list.png docs/images/

bench: setup train $(TEST_PACKAGES) ## Messages/s, latency, memory, start-up and training against a `rasa init` bot, and 1 vs 2 replicas (about 20 min)
	$(BIN)/python -m scripts.bench $(BENCH)

replicas: setup train $(TEST_PACKAGES) ## Two Rasa servers behind HAProxy sharing PostgreSQL and Redis (README "Past one machine")
	exec $(BIN)/python -m deploy.replicas --count $(or $(COUNT),2)

lint: setup ## Check code style with ruff
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: setup ## Format code with ruff
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

lock: ## Regenerate requirements/lock.txt (with hashes) from requirements/base.in
	$(PYTHON) scripts/lock.py

clean: ## Remove the trained model, results and built files (keeps .venv and transcripts)
	rm -rf models/*.tar.gz results build
