"""gunicorn settings for lianyun (gunicorn -c deploy/gunicorn.conf.py config.wsgi)."""

import multiprocessing
import os

bind = os.environ.get("LIANYUN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("LIANYUN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
timeout = 120
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# No client address, no user agent, no query string (docs/security.md S4).
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
