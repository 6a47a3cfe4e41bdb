from django.urls import path

from lianyun.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("desk/", views.desk, name="desk"),
    path("write/", views.article_create, name="article-create"),
    path("<int:pk>/", views.article_detail, name="article-detail"),
    path("<int:pk>/edit/", views.article_edit, name="article-edit"),
    path("<int:pk>/submit/", views.article_submit, name="article-submit"),
    path("<int:pk>/review/", views.article_review, name="article-review"),
    path("<int:pk>/withdraw/", views.article_withdraw, name="article-withdraw"),
    path("<int:pk>/reads/", views.article_reads, name="article-reads"),
    path("media/<int:pk>/", views.media, name="media"),
]
