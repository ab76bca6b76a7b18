"""Running the assistant past one machine: Rasa server replicas behind HAProxy, sharing PostgreSQL and the
Redis lock store (README "Past one machine"). The files here configure it; replicas.py runs it locally."""
