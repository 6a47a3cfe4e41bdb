from django.urls import path

from lianyun.ledger import views

app_name = "ledger"
urlpatterns = [
    path("mine/", views.lookup, name="payout-lookup"),
]
