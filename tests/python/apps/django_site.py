"""A settings-in-code Django project (no database); this module is also its ROOT_URLCONF."""

import django
from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

STREAM_PARTS = 4

# The file the download view serves; tests point it at a temp file.
DOWNLOAD = {'path': None}


def plain(request):
    return HttpResponse(f'django plain {request.method} {request.GET.get("q", "")}', content_type='text/plain')


@csrf_exempt
def echo_length(request):
    return HttpResponse(str(len(request.body)), content_type='text/plain')


def csrf_protected(request):
    # No csrf_exempt: CsrfViewMiddleware rejects a POST without a token with 403.
    return HttpResponse('should not get here', content_type='text/plain')


def download(request):
    return FileResponse(open(DOWNLOAD['path'], 'rb'), as_attachment=True, filename='payload.bin')


def stream(request):
    def parts():
        for index in range(STREAM_PARTS):
            yield f'part {index}\n'.encode()

    return StreamingHttpResponse(parts(), content_type='text/plain')


urlpatterns = [
    path('', plain),
    path('echo-length', echo_length),
    path('protected', csrf_protected),
    path('download', download),
    path('stream', stream),
]


def wsgi_application():
    """Configure Django once per process and return its WSGI handler."""
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY='cheroot-rs-black-box-tests-not-a-secret',
            ALLOWED_HOSTS=['127.0.0.1', 'localhost'],
            ROOT_URLCONF=__name__,
            INSTALLED_APPS=[],
            DATABASES={},
            MIDDLEWARE=[
                'django.middleware.common.CommonMiddleware',
                'django.middleware.csrf.CsrfViewMiddleware',
            ],
            USE_TZ=True,
        )
        django.setup()
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()
