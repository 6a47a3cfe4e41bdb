from django.urls import path

from lianyun.petitions import views

app_name = "petitions"
urlpatterns = [
    path("", views.start, name="petition-start"),
    path("new/<str:code>/", views.create, name="petition-create"),
    path("receipt/", views.receipt, name="petition-receipt"),
    path("track/", views.track, name="petition-track"),
    path("track/case/", views.tracked, name="petition-tracked"),
    path("track/case/message/", views.tracked_message, name="tracked-message"),
    path("track/case/rating/", views.tracked_rate, name="tracked-rate"),
    path("track/case/appeal/", views.tracked_appeal, name="tracked-appeal"),
    path("track/case/items/<int:item_id>/confirm/", views.tracked_confirm, name="tracked-confirm"),
    path("mine/", views.mine, name="petition-mine"),
    path("dispute/<int:payout_id>/", views.dispute, name="payout-dispute"),
    path("queue/", views.queue, name="petition-list"),
    path("queue/assign/", views.assign, name="petition-assign"),
    path("statistics/", views.statistics, name="petition-statistics"),
    path("<int:pk>/", views.detail, name="petition-detail"),
    path("<int:pk>/accept/", views.accept, name="petition-accept"),
    path("<int:pk>/subject/", views.confirm_subject, name="petition-subject"),
    path("<int:pk>/refuse/", views.refuse, name="petition-refuse"),
    path("<int:pk>/forward/", views.forward, name="petition-forward"),
    path("<int:pk>/extend/", views.extend, name="petition-extend"),
    path("<int:pk>/answer/", views.answer, name="petition-answer"),
    path("<int:pk>/message/", views.message, name="petition-message"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment-detail"),
    path("<int:pk>/rectification/", views.rectify, name="petition-rectify"),
    path("<int:pk>/identity/request/", views.identity_request, name="identityrequest-create"),
    path("<int:pk>/identity/", views.identity, name="petition-identity"),
    path("identity-requests/", views.identity_requests, name="identityrequest-list"),
    path(
        "identity-requests/<int:pk>/decide/", views.identity_decide, name="identityrequest-decide"
    ),
]
