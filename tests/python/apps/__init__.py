"""Real WSGI applications (Flask, Django, CherryPy, Bottle) served end to end by the suite."""
