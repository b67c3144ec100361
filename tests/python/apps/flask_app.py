"""A small Flask app: routes, JSON, form and multipart upload, a streamed response, a 404 and a 500."""

import hashlib

import flask

STREAM_CHUNKS = 5


def create_app():
    app = flask.Flask(__name__)
    # testing=False so Flask's own production error handling turns exceptions into 500 pages.
    app.testing = False

    @app.get('/')
    def index():
        return 'flask index'

    @app.get('/hello/<name>')
    def hello(name):
        return f'hello {name}'

    @app.post('/json')
    def json_echo():
        payload = flask.request.get_json()
        return flask.jsonify(received=payload, total=sum(payload['numbers']))

    @app.post('/form')
    def form():
        return f"{flask.request.form['first']}|{flask.request.form['second']}"

    @app.post('/upload')
    def upload():
        data = flask.request.files['document'].read()
        return flask.jsonify(
            filename=flask.request.files['document'].filename,
            sha256=hashlib.sha256(data).hexdigest(),
            length=len(data),
            note=flask.request.form.get('note'),
        )

    @app.get('/stream')
    def stream():
        prefix = flask.request.args.get('prefix', 'line')

        @flask.stream_with_context
        def generate():
            # Reading flask.request here only works because stream_with_context keeps the context alive.
            for index in range(STREAM_CHUNKS):
                yield f'{prefix} {index} of {flask.request.path}\n'

        return flask.Response(generate(), mimetype='text/plain')

    @app.get('/boom')
    def boom():
        raise RuntimeError('flask view exploded')

    return app
